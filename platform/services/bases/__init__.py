"""Training bases (实训基地) and master studios: records, yearly reviews, recognition."""
