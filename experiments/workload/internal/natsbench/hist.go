package natsbench

import (
	"math/bits"
	"time"
)

// Histogram is a log-linear latency histogram over nanoseconds: values below
// 2^subBits are exact, larger ones fall into 2^subBits buckets per power of
// two (relative error below 1/2^subBits, about 1.6 %). It is not safe for
// concurrent use; each goroutine keeps its own and they are merged at the end.
type Histogram struct {
	counts []uint64
	n      uint64
	sum    float64
	max    int64
}

const (
	subBits    = 6
	subBuckets = 1 << subBits
	// Values up to 2^50 ns (about 13 days) have their own bucket; larger ones
	// go to the last.
	histBuckets = (50 - subBits + 2) * subBuckets
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{counts: make([]uint64, histBuckets)} }

func bucketOf(v int64) int {
	if v < subBuckets {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := bits.Len64(uint64(v)) - subBits - 1 // v>>e is in [subBuckets, 2*subBuckets)
	i := (e+1)*subBuckets + int(v>>e) - subBuckets
	if i >= histBuckets {
		return histBuckets - 1
	}
	return i
}

// bucketValue is the midpoint of bucket i in nanoseconds.
func bucketValue(i int) float64 {
	if i < subBuckets {
		return float64(i)
	}
	e := i/subBuckets - 1
	lo := int64(i%subBuckets+subBuckets) << e
	return float64(lo) + float64(int64(1)<<e)/2
}

// Record adds one latency. Negative values (clock trouble) count as 0.
func (h *Histogram) Record(d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	h.n++
	h.sum += float64(v)
	if v > h.max {
		h.max = v
	}
}

// RecordN adds the same latency n times.
func (h *Histogram) RecordN(d time.Duration, n uint64) {
	if n == 0 {
		return
	}
	v := max(int64(d), 0)
	h.counts[bucketOf(v)] += n
	h.n += n
	h.sum += float64(v) * float64(n)
	if v > h.max {
		h.max = v
	}
}

// Merge adds o into h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// Count is the number of recorded values.
func (h *Histogram) Count() uint64 { return h.n }

// Quantile returns the nearest-rank q-quantile (0 < q ≤ 1) in nanoseconds,
// as its bucket's midpoint, never above the exact maximum. 0 when empty.
func (h *Histogram) Quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.9999999)
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var acc uint64
	for i, c := range h.counts {
		acc += c
		if acc >= rank {
			v := bucketValue(i)
			if v > float64(h.max) {
				v = float64(h.max)
			}
			return v
		}
	}
	return float64(h.max)
}

// Max is the exact largest value in nanoseconds.
func (h *Histogram) Max() int64 { return h.max }

// Mean in nanoseconds, 0 when empty.
func (h *Histogram) Mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n)
}
