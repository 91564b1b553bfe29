; A command queue of 2^4 entries is full when PROD and CONS have the same index and opposite
; wrap bits: a witness of a full queue.
(declare-const prod (_ BitVec 64))
(declare-const cons (_ BitVec 64))
(assert (queue-full prod cons #x0000000000000004))
(assert (= cons #x0000000000000003))
