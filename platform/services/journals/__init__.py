"""Weekly journals (周志): the student writes, the mentor confirms or returns, the teacher countersigns."""
