inherit full
inherit s2only
