// OpenBLAS's CBLAS and the reference LAPACKE C interface. Nothing else belongs here:
// LinearAlgebra is the only module that imports CLapack.
#include <cblas.h>
#include <lapacke.h>
// Number of threads OpenBLAS uses; tuner sets 1 (see LinearAlgebra/Threading.swift).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
