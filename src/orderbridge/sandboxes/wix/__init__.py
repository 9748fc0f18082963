"""A local emulator of the Wix APIs a restaurant-orders connector uses."""
