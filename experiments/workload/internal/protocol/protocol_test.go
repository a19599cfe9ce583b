package protocol

import (
	"encoding/json"
	"reflect"
	"testing"

	"tuner.local/workload/internal/ot"
)

func TestParseEvent(t *testing.T) {
	op := ot.Op{{N: 5}, {S: "a\"b\\c\n"}, {N: -3}, {N: 7}}
	cases := [][]byte{
		AppendOpEvent(nil, 42, 7, 3, op),
		AppendCursorEvent(nil, 9, 120, 41),
		[]byte(`{"k":"reset"}`),
		[]byte(` { "k" : "op", "op" : [1, "x"], "v":1 , "c":2,"q":0 } `),
		[]byte(`{"k":"op","v":1,"c":2,"extra":true,"op":[3]}`), // fallback path
	}
	for _, c := range cases {
		var fast, slow Event
		if err := ParseEvent(c, &fast); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if err := json.Unmarshal(c, &slow); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s: fast %+v vs encoding/json %+v", c, fast, slow)
		}
	}
	var e Event
	if err := ParseEvent([]byte(`{"k":"op","v":`), &e); err == nil {
		t.Fatal("accepted truncated event")
	}
}

func TestParseSubmitResponse(t *testing.T) {
	e1 := AppendOpEvent(nil, 5, 1, 2, ot.Op{{N: 3}, {S: "x"}})
	e2 := AppendOpEvent(nil, 6, 3, 9, ot.Op{{N: -3}, {N: 1}})
	cases := []string{
		`{"version":7,"missed":[` + string(e1) + `,` + string(e2) + `]}`,
		`{"version":7,"missed":[]}`,
		` { "missed" : [ ` + string(e1) + ` ] , "version" : 6 } `,
		`{"version":7,"missed":[],"other":1}`, // fallback
	}
	for _, c := range cases {
		var fast, slow SubmitResponse
		if err := ParseSubmitResponse([]byte(c), &fast); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if err := json.Unmarshal([]byte(c), &slow); err != nil {
			t.Fatal(err)
		}
		if len(fast.Missed) == 0 && len(slow.Missed) == 0 {
			fast.Missed, slow.Missed = nil, nil
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s:\nfast %+v\nslow %+v", c, fast, slow)
		}
	}
	var r SubmitResponse
	for _, bad := range []string{`{"version":7,"missed":[`, `{"version":`, `[]`} {
		if err := ParseSubmitResponse([]byte(bad), &r); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}
