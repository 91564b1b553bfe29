ssidsize = 017
