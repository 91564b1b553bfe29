sidsize = 33
