package presetdict

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// sections returns n deterministic sections of text that share phrases,
// as the sections of a knowledge base do.
func sections(n int) [][]byte {
	phrases := []string{"civil society organisations", "violent extremist prisoners", "prison staff",
		"rehabilitation and reintegration", "risk assessment", "dynamic security", "information sharing",
		"the prison administration", "family contact", "disengagement programmes"}
	words := strings.Fields("the of and to in a with for on by is are can should their when which work support")
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "\x05title\x1bGuide %d\x03url\x12/guides/g%d/#s%d\x04body", i%7, i%7, i)
		for j := 0; j < 120; j++ {
			if r.IntN(4) == 0 {
				b.WriteString(phrases[r.IntN(len(phrases))])
			} else {
				b.WriteString(words[r.IntN(len(words))])
			}
			b.WriteByte(' ')
		}
		out[i] = []byte(b.String())
	}
	return out
}

func deflated(t *testing.T, data, dict []byte) int {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriterDict(&b, 6, dict)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(b.Bytes()), dict))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("round trip: %v", err)
	}
	return b.Len()
}

func TestTrain(t *testing.T) {
	samples := sections(400)
	for _, size := range []int{1 << 10, 4 << 10, 32 << 10} {
		dict := Train(samples, size)
		if len(dict) == 0 || len(dict) > size {
			t.Fatalf("size %d: a dictionary of %d bytes", size, len(dict))
		}
		if again := Train(samples, size); !bytes.Equal(again, dict) {
			t.Errorf("size %d: two dictionaries from the same samples differ", size)
		}
		without, with := 0, 0
		for _, s := range samples {
			without += deflated(t, s, nil)
			with += deflated(t, s, dict)
		}
		// Compressed alone, each section repeats what the others say.
		if with*10 > without*8 {
			t.Errorf("size %d: the sections deflate to %d bytes with the dictionary, %d without", size, with, without)
		}
		t.Logf("size %d: %d → %d bytes (%.2f)", size, without, with, float64(with)/float64(without))
	}
}

// TestTrainBestLast: the text worth most ends the dictionary, where
// back-references are shortest; text in fewer samples comes before it.
func TestTrainBestLast(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	noise := func() []byte {
		b := make([]byte, 300)
		for i := range b {
			b[i] = 'a' + byte(r.IntN(26))
		}
		return b
	}
	// Two texts of 512 bytes that do not repeat themselves, each marked.
	everywhere := append([]byte("reintegration of prisoners "), noise()...)
	everywhere = append(everywhere, noise()...)[:512]
	sometimes := append([]byte("dynamic security "), noise()...)
	sometimes = append(sometimes, noise()...)[:512]
	everywhere = append(everywhere[:256], append([]byte("reintegration of prisoners "), everywhere[256+27:]...)...)
	sometimes = append(sometimes[:256], append([]byte("dynamic security "), sometimes[256+17:]...)...)
	var samples [][]byte
	for i := range 50 {
		s := append(noise(), everywhere...)
		if i < 10 {
			s = append(s, sometimes...)
		}
		samples = append(samples, append(s, noise()...))
	}
	dict := Train(samples, 1024)
	end := dict[max(len(dict)-256, 0):]
	if !bytes.Contains(end, []byte("reintegration of prisoners")) || bytes.Contains(end, []byte("dynamic security")) {
		t.Errorf("the dictionary does not end with the text of every sample: %q", dict)
	}
	if !bytes.Contains(dict, []byte("dynamic security")) {
		t.Errorf("the text of ten samples is not in the dictionary: %q", dict)
	}
}

func TestTrainNothingShared(t *testing.T) {
	if d := Train(nil, 1024); d != nil {
		t.Errorf("no samples: %q", d)
	}
	if d := Train([][]byte{[]byte("short")}, 1024); d != nil {
		t.Errorf("a sample shorter than a substring: %q", d)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var samples [][]byte
	for range 20 {
		b := make([]byte, 300)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		samples = append(samples, b)
	}
	if d := Train(samples, 1024); len(d) > 0 {
		t.Errorf("random samples share nothing, yet a dictionary of %d bytes", len(d))
	}
}

// TestTrainLargeInput: inputs beyond maxInput are sampled, and the
// dictionary still serves all of them.
func TestTrainLargeInput(t *testing.T) {
	samples := sections(8000)
	total := 0
	for _, s := range samples {
		total += len(s)
	}
	if total <= maxInput {
		t.Fatalf("%d bytes of samples: not beyond maxInput", total)
	}
	dict := Train(samples, 8<<10)
	without, with := 0, 0
	for _, s := range samples[len(samples)-100:] {
		without += deflated(t, s, nil)
		with += deflated(t, s, dict)
	}
	if len(dict) != 8<<10 || with*10 > without*8 {
		t.Errorf("dictionary of %d bytes; %d → %d bytes", len(dict), without, with)
	}
}

func BenchmarkTrain(b *testing.B) {
	samples := sections(4000)
	b.ResetTimer()
	for range b.N {
		Train(samples, 32<<10)
	}
}
