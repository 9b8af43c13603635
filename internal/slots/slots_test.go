package slots

import (
	"math/rand"
	"testing"
)

// A randomized run against a map model: every live index returns its value,
// released ones return nil, indices are reused, Max is honoured.
func TestTableAgainstModel(t *testing.T) {
	tab := &Table[int]{Max: 3000}
	model := map[uint32]*int{}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		if rng.Intn(3) > 0 {
			v := new(int)
			*v = i
			idx, ok := tab.Put(v)
			if !ok {
				if len(model) < 3000 && int(tab.next) < 3000 {
					t.Fatalf("Put refused with %d live", len(model))
				}
				continue
			}
			if model[idx] != nil {
				t.Fatalf("index %d handed out twice", idx)
			}
			model[idx] = v
		} else {
			for idx := range model {
				tab.Release(idx)
				tab.Release(idx) // a second release must not free the slot twice
				delete(model, idx)
				break
			}
		}
		if tab.Live() != len(model) {
			t.Fatalf("Live() = %d, model has %d", tab.Live(), len(model))
		}
	}
	for idx, v := range model {
		if tab.Get(idx) != v {
			t.Fatalf("Get(%d) is not the stored value", idx)
		}
	}
	if tab.next > 3000 {
		t.Fatalf("handed out %d indices beyond Max", tab.next)
	}
	if tab.Get(maxChunks*chunkSize) != nil || tab.Get(2999) != model[2999] {
		t.Fatal("Get out of range or of an empty slot must be nil")
	}
}
