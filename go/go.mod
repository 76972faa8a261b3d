module example.invalid/hooksig/go

go 1.19
