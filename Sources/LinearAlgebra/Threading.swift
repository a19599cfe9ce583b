import CLapack

/// OpenBLAS runs on one thread in tuner, and this is why.
///
/// OpenBLAS starts one worker per core by default. tuner's matrices are small: a Gaussian-process
/// kernel is n × n with n ≤ a few hundred, so a Cholesky factorisation is a few million flops,
/// about a millisecond on one core. At that size splitting the work across threads costs more in
/// hand-offs than it saves. Measured on the 2-core machine tuner is developed on (`dpotrf` then
/// `dpotri`, the work of one likelihood gradient, with other processes running as they will be
/// during a study): n = 50 takes 0.11 ms on one thread and 0.12 ms on two; n = 200 takes 1.2 ms
/// on one and 5.6 ms on two; n = 400 takes 12 ms on one and 19 ms on two.
///
/// Worse, tuner computes while the service it measures is running: idle OpenBLAS workers
/// busy-wait before sleeping, so a second thread steals CPU from the measured process and
/// perturbs the very pauses and throughput tuner is measuring. Finally, one thread keeps every
/// reduction in a fixed order, so results are bit-for-bit reproducible for a given seed.
///
/// `LinearAlgebra` pins OpenBLAS to one thread the first time any routine runs; every public
/// entry point evaluates ``ensureSingleThreaded()`` first.
private let singleThreaded: Void = {
    openblas_set_num_threads(1)
}()

/// Pins OpenBLAS to one thread (once per process; later calls cost one load).
@inline(__always)
func ensureSingleThreaded() {
    _ = singleThreaded
}

/// The number of threads OpenBLAS uses (1 once any `LinearAlgebra` routine has run).
public var blasThreadCount: Int {
    ensureSingleThreaded()
    return Int(openblas_get_num_threads())
}
