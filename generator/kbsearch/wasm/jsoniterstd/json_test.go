package jsoniter

import (
	"encoding/json"
	"reflect"
	"testing"
)

type shape struct {
	Type        string      `json:"type"`
	Coordinates [][]float64 `json:"coordinates"`
	Radius      string      `json:"radius,omitempty"`
}

// TestSameAsEncodingJSON checks that the stand-in encodes and decodes as
// encoding/json, errors included.
func TestSameAsEncodingJSON(t *testing.T) {
	v := shape{Type: "polygon", Coordinates: [][]float64{{1.5, 2}, {3, 4e-7}}}
	got, err := ConfigCompatibleWithStandardLibrary.Marshal(v)
	want, _ := json.Marshal(v)
	if err != nil || string(got) != string(want) {
		t.Fatalf("Marshal = %s, %v; want %s", got, err, want)
	}
	if top, _ := Marshal(v); string(top) != string(want) {
		t.Fatalf("Marshal = %s; want %s", top, want)
	}
	var back shape
	if err := ConfigCompatibleWithStandardLibrary.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, v) {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
	bad := []byte(`{"type": 3}`)
	var a, b shape
	errA, errB := Unmarshal(bad, &a), json.Unmarshal(bad, &b)
	if errA == nil || errA.Error() != errB.Error() {
		t.Fatalf("Unmarshal(%s) error %v, encoding/json %v", bad, errA, errB)
	}
}
