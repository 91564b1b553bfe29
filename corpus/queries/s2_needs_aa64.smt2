; A stage-2 STE whose DW1..DW7 are all zero (S2AA64=0) is never legal under profile full,
; which has no AArch32 stage-2 tables: unsat, and the core names the rule (R-STE-015).
(declare-const ste.dw0 (_ BitVec 64))
(define-fun z () (_ BitVec 64) #x0000000000000000)
(assert (ste-legal ste.dw0 z z z z z z z))
(assert (= (ste.Config ste.dw0 z z z z z z z) #x0000000000000006))
