package ddreplay

import (
	"encoding/json"
	"fmt"
)

// Incremental snapshot sources. Datadog and rrweb share 0–8; Datadog's 9
// (PointerInteraction, mobile only) is rrweb's CanvasMutation, so it is
// dropped like any source above.
const (
	srcMutation         = 0
	srcMouseMove        = 1
	srcMouseInteraction = 2
	srcScroll           = 3
	srcViewportResize   = 4
	srcInput            = 5
	srcTouchMove        = 6
	srcMediaInteraction = 7
	srcStyleSheetRule   = 8
)

// incremental converts an IncrementalSnapshot (3) record. Apart from V1
// mutations and inputs, the payloads match rrweb's except that node ids are
// shifted (+1); the record-level "id" Datadog adds is dropped.
func (c *ViewConverter) incremental(data json.RawMessage, ts float64, b *budget) ([]json.RawMessage, error) {
	if err := b.spend(len(data)); err != nil {
		return nil, err
	}
	var head struct {
		Source *int `json:"source"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("decode incremental snapshot: %w", err)
	}
	if head.Source == nil {
		return nil, nil
	}
	switch *head.Source {
	case srcMutation:
		return c.v1.mutation(data, ts, b)
	case srcInput:
		return convertV1Input(data, ts)
	case srcMouseMove, srcTouchMove:
		var d map[string]json.RawMessage
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("decode move: %w", err)
		}
		var positions []map[string]json.RawMessage
		if raw, ok := d["positions"]; ok {
			if err := json.Unmarshal(raw, &positions); err != nil {
				return nil, fmt.Errorf("decode move positions: %w", err)
			}
		}
		for _, p := range positions {
			if err := shiftID(p, "id"); err != nil {
				return nil, fmt.Errorf("move position: %w", err)
			}
		}
		if positions == nil {
			positions = []map[string]json.RawMessage{}
		}
		pos, err := json.Marshal(positions)
		if err != nil {
			return nil, fmt.Errorf("encode positions: %w", err)
		}
		d["positions"] = pos
		return one(event(rrIncrementalSnapshot, d, ts))
	case srcMouseInteraction, srcScroll, srcMediaInteraction, srcStyleSheetRule, srcViewportResize:
		var d map[string]json.RawMessage
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("decode source %d: %w", *head.Source, err)
		}
		if err := shiftID(d, "id"); err != nil {
			return nil, fmt.Errorf("source %d: %w", *head.Source, err)
		}
		return one(event(rrIncrementalSnapshot, d, ts))
	}
	return nil, nil
}

// shiftID moves an optional integer node id field to rrweb's numbering.
func shiftID(m map[string]json.RawMessage, key string) error {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return nil
	}
	id, err := integer(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	m[key] = json.RawMessage(fmt.Sprint(rrID(id)))
	return nil
}

// convertV1Input converts Input (source 5) from V1 and early 7.x SDKs. rrweb
// applies both text and isChecked, so both must be present.
func convertV1Input(data json.RawMessage, ts float64) ([]json.RawMessage, error) {
	var in struct {
		ID        int     `json:"id"`
		Text      *string `json:"text"`
		IsChecked *bool   `json:"isChecked"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("decode input: %w", err)
	}
	d := inputData{Source: srcInput, ID: rrID(in.ID)}
	if in.Text != nil {
		d.Text = *in.Text
	} else if in.IsChecked != nil {
		d.Text = "on" // what a checkbox or radio without a value attribute holds
	}
	if in.IsChecked != nil {
		d.IsChecked = *in.IsChecked
	}
	return one(event(rrIncrementalSnapshot, d, ts))
}
