; Bad input: the file ends inside an expression.
(declare-const x (_ BitVec 64))
(assert (= x
