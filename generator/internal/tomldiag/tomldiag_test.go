package tomldiag

import "testing"

func TestKeyPosition(t *testing.T) {
	data := []byte("a = 1\n  title = 'x'\n[s]\nweight: 3\n")
	if l, c := KeyPosition(data, "title"); l != 2 || c != 3 {
		t.Errorf("title at %d:%d", l, c)
	}
	if l, _ := KeyPosition(data, "weight"); l != 4 {
		t.Errorf("weight at line %d", l)
	}
	if l, _ := KeyPosition(data, "none"); l != 0 {
		t.Errorf("none at line %d", l)
	}
}
