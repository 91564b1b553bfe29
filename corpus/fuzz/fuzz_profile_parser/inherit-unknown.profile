inherit nosuch
