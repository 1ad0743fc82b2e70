"""Generated documents: versioned canonical content, its SHA-256, and the PDF rendered from it."""
