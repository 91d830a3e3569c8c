module zkvct/loadgen

go 1.22
