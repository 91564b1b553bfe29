; Bad input: a function the encodings do not define.
(declare-const x (_ BitVec 64))
(assert (ste-legality x x x x x x x x))
