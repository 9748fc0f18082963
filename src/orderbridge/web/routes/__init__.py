"""HTTP routes, one module per audience: storefront, webhooks, ingress, operations."""
