// Aghanim's webhook server (its docs, "Handle webhooks", Go), with hooksig doing the
// verification: the raw body, both headers, the replay window and a constant-time compare
// are one Middleware, which answers 403 {"error": code} to a webhook that does not verify.
//
//	AGHANIM_SECRET=... go run ./examples/aghanim
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"

	hooksig "example.invalid/hooksig/go"
)

// newHandler serves POST /webhook, verified with the S2S key.
func newHandler(secretKey string) (http.Handler, error) {
	verifier, err := hooksig.NewVerifier("aghanim", hooksig.Secret(secretKey))
	if err != nil {
		return nil, err // a configuration error: an empty key, for one
	}
	mux := http.NewServeMux()
	mux.Handle("/webhook", hooksig.Middleware(verifier, http.HandlerFunc(webhookHandler)))
	return mux, nil
}

// webhookHandler sees only verified webhooks, with the body as it was sent.
func webhookHandler(w http.ResponseWriter, r *http.Request) {
	var data struct {
		EventType string                 `json:"event_type"`
		EventData map[string]interface{} `json:"event_data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&data); err != nil {
		http.Error(w, "Invalid payload", http.StatusBadRequest)
		return
	}
	verified, _ := hooksig.FromContext(r.Context())
	switch data.EventType {
	case "player.verify":
		log.Printf("player.verify for %v, signed at %v", data.EventData["player_id"], verified.Timestamp)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"ok"}`)
	default:
		http.Error(w, "Unknown event type", http.StatusBadRequest)
	}
}

func main() {
	handler, err := newHandler(os.Getenv("AGHANIM_SECRET"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Server is running on http://localhost:8000")
	log.Fatal(http.ListenAndServe(":8000", handler))
}
