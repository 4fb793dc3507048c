-- One name for a hold given back to sale: hold_released. Versions before the Maui hand-over consumed holds (the
-- operator's {"flowhubOrderId"} on a Maui store) recorded it as holds_released, which no reader knows.
UPDATE order_events SET event = 'hold_released' WHERE event = 'holds_released';
