package ferretsql

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The scanner splits what encoding/json would, strings with escapes and
// brackets inside them included, and reads strings as it does.
func TestScannerSplitsAsEncodingJSON(t *testing.T) {
	obj := []byte(` { "a" : "x}]\"{" , "b\u00e9":[1, {"c": "[\\\"]"}, [ ]], "d": {}, "e": -1.5e3 , "f": null } `)
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
	if len(c.byKey) != 2 {
		t.Errorf("%d schemas cached, want 2 (the first two documents share one)", len(c.byKey))
	}
}
