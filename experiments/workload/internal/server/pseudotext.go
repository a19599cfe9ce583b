package server

import (
	"hash/fnv"
	"strings"
)

var vocabulary = strings.Fields(`the of and to in is that for it as was with be by on not he this are or
his from at which but have an they you were her she there one all we their been has when who will more
no if out so said what up its about into than them can only other new some could time these two may then
do first any my now such like our over man me even most made after also did many before must through back
years where much your way well down should because each just those people how too little state good very
make world still own see men work long get here between both life being under never day same another know
while last might us great old year off come since against go came right used take three document meeting
budget quarter review draft section table figure proposal schedule deadline team project update revision`)

// pseudoText returns size bytes of deterministic English-like text seeded by
// the document id.
func pseudoText(id string, size int) []byte {
	h := fnv.New64a()
	h.Write([]byte(id))
	state := h.Sum64()
	next := func() uint64 { // splitmix64
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	out := make([]byte, 0, size+32)
	capNext := true
	words := 0
	for len(out) < size {
		w := vocabulary[next()%uint64(len(vocabulary))]
		if capNext {
			out = append(out, w[0]-'a'+'A')
			out = append(out, w[1:]...)
			capNext = false
		} else {
			out = append(out, w...)
		}
		words++
		r := next()
		switch {
		case words > 5 && r%7 == 0:
			words = 0
			capNext = true
			if r%5 == 0 {
				out = append(out, ".\n\n"...)
			} else {
				out = append(out, ". "...)
			}
		case r%11 == 0:
			out = append(out, ", "...)
		default:
			out = append(out, ' ')
		}
	}
	return out[:size:size]
}
