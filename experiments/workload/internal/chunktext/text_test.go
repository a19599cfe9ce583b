package chunktext

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRandomEditsMatchString(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, initial := range []int{0, 10, 5000, 20000} {
		ref := strings.Repeat("abcdefghij", initial/10)
		txt := New(ref)
		for i := 0; i < 20000; i++ {
			if len(ref) > 0 && r.IntN(3) == 0 {
				p := r.IntN(len(ref))
				n := 1 + r.IntN(min(len(ref)-p, 3000))
				if r.IntN(10) != 0 {
					n = 1 + r.IntN(min(len(ref)-p, 5))
				}
				ref = ref[:p] + ref[p+n:]
				txt.Delete(p, n)
			} else {
				p := r.IntN(len(ref) + 1)
				s := strings.Repeat("x", 1+r.IntN(8))
				if r.IntN(200) == 0 {
					s = strings.Repeat("y", 9000)
				}
				ref = ref[:p] + s + ref[p:]
				txt.Insert(p, s)
			}
			if txt.Len() != len(ref) {
				t.Fatalf("len %d vs %d", txt.Len(), len(ref))
			}
			if i%500 == 0 && !txt.Equal([]byte(ref)) {
				t.Fatalf("mismatch at step %d (first diff %d)", i, txt.FirstDiff([]byte(ref)))
			}
		}
		if txt.String() != ref || !txt.Equal([]byte(ref)) {
			t.Fatal("final mismatch")
		}
	}
}
