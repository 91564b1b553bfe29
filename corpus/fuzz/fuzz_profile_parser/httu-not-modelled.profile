inherit full
httu = 1
