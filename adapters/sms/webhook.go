package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kincare/kincare/domain/identity"
)

// WebhookSender posts each code as JSON to a gateway that talks to the
// carrier (an SMS vendor's HTTP API or an in-house relay):
//
//	POST {url}  Authorization: Bearer {token}
//	{"phone":"+8613812345678","template":"login_code","locale":"zh-CN","params":{"code":"123456","minutes":5}}
//
// Any 2xx is success.
type WebhookSender struct {
	url    string
	token  string
	client *http.Client
}

func NewWebhookSender(url, token string) *WebhookSender {
	return &WebhookSender{url: url, token: token, client: &http.Client{Timeout: 5 * time.Second}}
}

type webhookMessage struct {
	Phone    string         `json:"phone"`
	Template string         `json:"template"`
	Locale   string         `json:"locale"`
	Params   map[string]any `json:"params"`
}

func (s *WebhookSender) SendLoginCode(ctx context.Context, phone identity.Phone, code string, locale identity.Locale) error {
	return s.post(ctx, webhookMessage{Phone: phone.String(), Template: "login_code", Locale: string(locale),
		Params: map[string]any{"code": code, "minutes": int(identity.OTPTTL / time.Minute)}})
}

// SendAlert posts a text of another template (incident_alert: an elder's
// alarm reached an emergency contact who has not got the app).
func (s *WebhookSender) SendAlert(ctx context.Context, phone identity.Phone, template string, params map[string]any,
	locale identity.Locale) error {
	return s.post(ctx, webhookMessage{Phone: phone.String(), Template: template, Locale: string(locale), Params: params})
}

func (s *WebhookSender) post(ctx context.Context, m webhookMessage) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("sms: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sms: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("sms: send: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms: gateway answered %s", resp.Status)
	}
	return nil
}
