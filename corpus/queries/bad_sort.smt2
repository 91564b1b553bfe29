; Bad input: 32-bit arguments where every query function takes (_ BitVec 64).
(declare-const x (_ BitVec 32))
(assert (ste-valid x x x x x x x x))
