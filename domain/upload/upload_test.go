package upload_test

import (
	"strings"
	"testing"

	"github.com/kincare/kincare/domain/upload"
)

func TestOnlyKeysUnderTheRecordsOwnPrefixAreAccepted(t *testing.T) {
	prefix := upload.Prefix("orders", "0190aa-01")
	if prefix != "orders/0190aa-01/" {
		t.Fatalf("prefix %q", prefix)
	}
	for key, want := range map[string]bool{
		"orders/0190aa-01/before.jpg":                                          true,
		"orders/0190aa-01/2026/bath_1-a.JPEG":                                  true,
		"orders/0190aa-01/":                                                    false,
		"orders/0190aa-02/before.jpg":                                          false, // another order's
		"orders/0190aa-01x/before.jpg":                                         false,
		"orders/0190aa-01/../0190aa-02/a.jpg":                                  false,
		"orders/0190aa-01/./a.jpg":                                             false,
		"orders/0190aa-01/.hidden":                                             false,
		"orders/0190aa-01//a.jpg":                                              false,
		"orders/0190aa-01/a b.jpg":                                             false,
		"orders/0190aa-01/a.jpg?x=1":                                           false,
		"orders/0190aa-01/照片.jpg":                                              false,
		"orders/0190aa-01/a\x00.jpg":                                           false,
		"orders/0190aa-01/a%2F..%2Fb":                                          false,
		"https://evil.example/orders/0190aa-01/a.jpg":                          false,
		"/orders/0190aa-01/a.jpg":                                              false,
		"ORDERS/0190aa-01/a.jpg":                                               false,
		"orders/0190aa-01/" + strings.Repeat("a", upload.MaxKey-len(prefix)):   true,
		"orders/0190aa-01/" + strings.Repeat("a", upload.MaxKey-len(prefix)+1): false,
	} {
		if got := upload.Under(prefix, key); got != want {
			t.Errorf("Under(%q) = %v, want %v", key, got, want)
		}
	}
}
