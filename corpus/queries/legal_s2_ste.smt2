; A legal stage-2-only STE (Config 0b110) under profile full: sat, the witness printed as
; `smmuref explain` prints an STE.
(declare-const ste.dw0 (_ BitVec 64))
(declare-const ste.dw1 (_ BitVec 64))
(declare-const ste.dw2 (_ BitVec 64))
(declare-const ste.dw3 (_ BitVec 64))
(define-fun z () (_ BitVec 64) #x0000000000000000)
(assert (ste-legal ste.dw0 ste.dw1 ste.dw2 ste.dw3 z z z z))
(assert (= (ste.Config ste.dw0 ste.dw1 ste.dw2 ste.dw3 z z z z) #x0000000000000006))
