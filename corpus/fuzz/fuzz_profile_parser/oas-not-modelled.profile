inherit full
oas = 52
