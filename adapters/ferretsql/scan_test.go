package ferretsql

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// The scanner splits what encoding/json would, strings with escapes and
// brackets inside them included, and reads strings as it does.
func TestScannerSplitsAsEncodingJSON(t *testing.T) {
	obj := []byte(` { "a" : "x}]\"{" , "b\u00e9":[1, {"c": "[\\\"]"}, [ ]], "d": {}, "e": -1.5e3 , "f": null, "g": "\\\\", "h\\\"": "\\\"" } `)
	got, err := members(obj)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(obj, &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d members, want %d", len(got), len(want))
	}
	for _, m := range got {
		if w, ok := want[m.key]; !ok || !bytes.Equal(m.val, w) {
			t.Errorf("member %q = %s, want %s", m.key, m.val, w)
		}
	}
	items, err := elements([]byte(`[ "a,b" ,{"x":[1,2]}, 3 ]`))
	if err != nil || len(items) != 3 || string(items[1]) != `{"x":[1,2]}` || string(items[2]) != "3" {
		t.Errorf("elements: %q, %v", items, err)
	}
	for _, s := range []string{`""`, `"王秀兰"`, `"a\"b\\c\n\u2028\u003c"`, "\"\xff\xfe\""} {
		var want string
		_ = json.Unmarshal([]byte(s), &want)
		if got, err := unquote([]byte(s)); err != nil || got != want {
			t.Errorf("unquote(%s) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, bad := range []string{`{"a":1`, `{"a" 1}`, `[1 2]`, `{"a":"x}`, `"open`} {
		if _, err := members([]byte(bad)); err == nil {
			if _, err := elements([]byte(bad)); err == nil {
				t.Errorf("%s split without an error", bad)
			}
		}
	}
}

// A cached schema decodes as a freshly parsed one, and documents of one
// shape share it.
func TestSchemaCacheDecodesAsWithout(t *testing.T) {
	docs := []string{
		`{"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"},"a":{"t":"array","i":[{"t":"string"}]}},"$k":["_id","n","a"]},"_id":"x","n":1,"a":["p"]}`,
		`{"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"},"a":{"t":"array","i":[{"t":"string"}]}},"$k":["_id","n","a"]},"_id":"y","n":2,"a":["q"]}`,
		`{"_id":"z","$s":{"p":{"_id":{"t":"string"},"d":{"t":"object","$s":{"p":{"k":{"t":"bool"}},"$k":["k"]}}},"$k":["_id","d"]},"d":{"k":true}}`,
	}
	var c schemaCache
	for _, d := range docs {
		want, err := decode([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.decode([]byte(d))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("cached decode of %s: %v, %v; want %v", d, got, err, want)
		}
	}
	// Members in another order than the schema's decode as in its order.
	ordered := `{"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"},"d":{"t":"object","$s":{"p":{"a":{"t":"long"},"b":{"t":"string"}},"$k":["a","b"]}}},"$k":["_id","n","d"]},"_id":"x","n":1,"d":{"a":5,"b":"c"}}`
	shuffled := `{"n":1,"d":{"b":"c","a":5},"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"},"d":{"t":"object","$s":{"p":{"a":{"t":"long"},"b":{"t":"string"}},"$k":["a","b"]}}},"$k":["_id","n","d"]},"_id":"x"}`
	want, err := c.decode([]byte(ordered))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.decode([]byte(shuffled)); err != nil || !bytes.Equal(got, want) {
		t.Errorf("shuffled members: %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{
		`{"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"}},"$k":["_id","n"]},"_id":"x"}`,    // a field missing
		`{"$s":{"p":{"_id":{"t":"string"}},"$k":["_id"]},"_id":"x","n":1}`,                  // one the schema lacks
		`{"$s":{"p":{"a":{"t":"array","i":[{"t":"int"}]}},"$k":["a"]},"a":[1,2]}`,           // an item too many
		`{"$s":{"p":{"a":{"t":"array","i":[{"t":"int"},{"t":"int"}]}},"$k":["a"]},"a":[1]}`, // one too few
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a"]},"a":2147483648}`,                          // past int32
	} {
		if got, err := c.decode([]byte(bad)); err == nil {
			t.Errorf("%s decoded as %v", bad, got)
		}
	}
	if len(c.byKey) != 2+1+5 { // the shuffled document shares the ordered one's
		t.Errorf("%d schemas cached, want 8 (documents of one shape share one)", len(c.byKey))
	}
}

// BenchmarkDecodeOrder decodes an order as the demo's year leaves it
// (4.6 KB of SJSON, 2.9 KB of it schema), with its schema cached, as a
// page of a family's or provider's orders reads each.
func BenchmarkDecodeOrder(b *testing.B) {
	doc, err := os.ReadFile("testdata/order.sjson")
	if err != nil {
		b.Fatal(err)
	}
	doc = bytes.TrimSpace(doc)
	var c schemaCache
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}
