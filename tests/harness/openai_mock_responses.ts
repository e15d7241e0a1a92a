// Responses API payloads for the OpenAI mock (openai_mock.ts): the response object and the SSE
// event sequence (response.created … response.output_text.delta … response.completed).
import type OpenAI from "openai";
import {
  calls,
  type ReplyContext,
  splitText,
  type TextReply,
  usageCounts,
} from "./openai_mock_payloads.ts";

// The SDK derives `output_text` itself, so the wire objects leave it out.
type WireResponse = Omit<OpenAI.Responses.Response, "output_text">;
// Events are numbered (sequence_number) when serialised.
type WireEvent<E = OpenAI.Responses.ResponseStreamEvent> = E extends { response: unknown }
  ? Omit<E, "response" | "sequence_number"> & { response: WireResponse }
  : Omit<E, "sequence_number">;
type Item = OpenAI.Responses.ResponseOutputItem;

function outputItems(reply: TextReply, ctx: ReplyContext): Item[] {
  const items: Item[] = calls(reply, ctx.id).map((c, i) => ({
    id: `fc_${ctx.id}_${i}`,
    type: "function_call",
    call_id: c.id,
    name: c.name,
    arguments: c.args,
    status: "completed",
  }));
  if (reply.text !== undefined || items.length === 0) {
    const content = [{ type: "output_text" as const, text: reply.text ?? "", annotations: [] }];
    items.unshift({
      id: `msg_${ctx.id}`,
      type: "message",
      role: "assistant",
      status: "completed",
      content,
    });
  }
  return items;
}

export function responseObject(
  reply: TextReply,
  ctx: ReplyContext,
  body: Record<string, unknown>,
  done = true,
): WireResponse {
  const [input, output] = usageCounts(reply, ctx);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
  return {
    id: ctx.id,
    object: "response",
    created_at: ctx.created,
    status: done ? "completed" : "in_progress",
    model: ctx.model,
    output: done ? outputItems(reply, ctx) : [],
    access_programs: null,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: "auto",
    tools: [],
    top_p: null,
    ...(done ? { usage } : {}),
  };
}

function itemEvents(item: Item, output_index: number): WireEvent[] {
  if (item.type === "message") {
    const item_id = item.id;
    const part = item.content[0];
    const text = part?.type === "output_text" ? part.text : "";
    const at = { item_id, output_index, content_index: 0 };
    const empty = { type: "output_text" as const, text: "", annotations: [] };
    return [
      {
        type: "response.output_item.added",
        output_index,
        item: { ...item, status: "in_progress", content: [] },
      },
      { type: "response.content_part.added", ...at, part: empty },
      ...splitText(text).map((delta): WireEvent => ({
        type: "response.output_text.delta",
        ...at,
        delta,
        logprobs: [],
      })),
      { type: "response.output_text.done", ...at, text, logprobs: [] },
      { type: "response.content_part.done", ...at, part: { ...empty, text } },
      { type: "response.output_item.done", output_index, item },
    ];
  }
  if (item.type !== "function_call") return [];
  const item_id = item.id ?? "";
  const args = item.arguments;
  return [
    {
      type: "response.output_item.added",
      output_index,
      item: { ...item, arguments: "", status: "in_progress" },
    },
    { type: "response.function_call_arguments.delta", item_id, output_index, delta: args },
    { type: "response.function_call_arguments.done", item_id, output_index, arguments: args },
    { type: "response.output_item.done", output_index, item },
  ];
}

/** SSE frames (`event:` + `data:`) of a streamed Responses API answer. */
export function responseStreamFrames(
  reply: TextReply,
  ctx: ReplyContext,
  body: Record<string, unknown>,
): string[] {
  const pending = responseObject(reply, ctx, body, false);
  const final = responseObject(reply, ctx, body);
  const events: WireEvent[] = [
    { type: "response.created", response: pending },
    { type: "response.in_progress", response: pending },
    ...final.output.flatMap(itemEvents),
    { type: "response.completed", response: final },
  ];
  return events.map((e, i) => {
    const data = JSON.stringify({ ...e, sequence_number: i });
    return `event: ${e.type}\ndata: ${data}\n\n`;
  });
}
