Ê
"serve2.15.0¶

xPlaceholder

dense/kernelVarHandleOp
;
dense/MatMul/ReadVariableOpReadVariableOpdense/kernel
6
dense/MatMulMatMulxdense/MatMul/ReadVariableOp

saver_filenamePlaceholder
B
StatefulPartitionedCallStatefulPartitionedCallsaver_filename¥
¿
