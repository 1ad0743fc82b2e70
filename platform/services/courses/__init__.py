"""Training courses (培训项目) and technician classes (技师班): record, roster, completion."""
