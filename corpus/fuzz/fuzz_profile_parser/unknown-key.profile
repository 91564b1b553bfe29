nosuchkey = 1
