module tuner.local/stateful-service

go 1.22
