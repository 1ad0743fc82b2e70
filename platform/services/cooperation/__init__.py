"""School–enterprise cooperation agreements and partner coverage."""
