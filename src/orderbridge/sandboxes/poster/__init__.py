"""The Poster POS sandbox: Poster's web API, webhooks, OAuth and a simulated register."""
