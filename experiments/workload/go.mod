module tuner.local/workload

go 1.22
