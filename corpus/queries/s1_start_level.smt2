; With a 4K granule (g=12), 48 input bits start the walk at level 0 and 39 bits at level 1;
; is there an input size from 25 to 48 bits whose start level is 3? No: unsat.
(declare-const ia (_ BitVec 64))
(assert (bvuge ia #x0000000000000019))
(assert (bvule ia #x0000000000000030))
(assert (= (s1-start-level ia #x000000000000000c) #x0000000000000003))
