"""Documents dicoso writes for people outside it: the layout of the Youth Union's documents
(Hướng dẫn 29-HD/TWĐTN-VP), shared by the hearing's report and the year's report."""
