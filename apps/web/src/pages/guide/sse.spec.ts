import { EventStreamParser, readEventStream, type ServerSentEvent } from './sse.js';

describe('the event-stream parser', () => {
  it('returns events only when they are whole, however the chunks fall', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: query\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\n\nevent: res')).toEqual([{ event: 'query', data: '{"a":1}' }]);
    expect(parser.push('ult\ndata: 2\n\n')).toEqual([{ event: 'result', data: '2' }]);
  });

  it('takes CRLF line ends, comments, multi-line data and the default event name', () => {
    const parser = new EventStreamParser();
    expect(parser.push(': keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('keeps an event that the stream ends without a blank line after', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: done\ndata: {}')).toEqual([]);
    expect(parser.end()).toEqual([{ event: 'done', data: '{}' }]);
    expect(parser.end()).toEqual([]);
  });

  it('reads a byte stream whose chunks split a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('event: result\ndata: {"namn":"Försäkringskassan"}\n\n');
    const split = bytes.indexOf(0xc3) + 1; // inside "ö"
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const events: ServerSentEvent[] = [];
    await readEventStream(body, (event) => events.push(event));
    expect(events).toEqual([{ event: 'result', data: '{"namn":"Försäkringskassan"}' }]);
  });
});
