module allocbench/gocompare

go 1.19
