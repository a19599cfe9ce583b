package server

import (
	"encoding/json"
	"testing"
)

func BenchmarkRenderView128KiB(b *testing.B) {
	text := pseudoText("d1", 128<<10)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v := renderView("d1", 0, text, 8)
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
