inherit full
# ÿþ
