import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address may not receive a callback (what a refusal and its metric name). */
export const ADDRESS_CLASSES = [
  // First: metadata addresses lie inside the link-local and unique-local ranges.
  'metadata',
  'loopback',
  'private',
  'link_local',
  'unique_local',
  'reserved',
] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

type Range = readonly [network: string, prefix: number];

// IANA's special-purpose registries (RFC 6890 and its updates): nothing here is a public web server.
const IPV4_RANGES: Record<AddressClass, readonly Range[]> = {
  // Cloud metadata services answer inside other ranges; named first so a refusal says so.
  metadata: [
    ['169.254.169.254', 32], // AWS, GCP, Azure, OpenStack, DigitalOcean
    ['100.100.100.200', 32], // Alibaba Cloud
  ],
  loopback: [['127.0.0.0', 8]],
  private: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ],
  link_local: [['169.254.0.0', 16]],
  unique_local: [],
  reserved: [
    ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host on Linux
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, and the broadcast address
  ],
};

const IPV6_RANGES: Record<AddressClass, readonly Range[]> = {
  metadata: [['fd00:ec2::254', 128]], // AWS's IPv6 instance metadata
  loopback: [['::1', 128]],
  private: [],
  link_local: [
    ['fe80::', 10],
    ['fec0::', 10], // site-local, deprecated but still routed by some stacks
  ],
  unique_local: [['fc00::', 7]],
  reserved: [
    ['::', 128],
    ['100::', 64], // discard-only
    ['2001::', 32], // Teredo: tunnels to an IPv4 address we cannot see
    ['2001:db8::', 32], // documentation
    ['ff00::', 8], // multicast
  ],
};

function blockLists(family: 'ipv4' | 'ipv6', ranges: Record<AddressClass, readonly Range[]>) {
  return ADDRESS_CLASSES.map((name) => {
    const list = new BlockList();
    for (const [network, prefix] of ranges[name]) list.addSubnet(network, prefix, family);
    return { name, list };
  });
}

const IPV4_LISTS = blockLists('ipv4', IPV4_RANGES);
const IPV6_LISTS = blockLists('ipv6', IPV6_RANGES);

/** Expands an IPv6 address to its eight 16-bit groups (input already valid per isIPv6). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const ipv4FromGroups = (high: number, low: number) =>
  `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one a host would reach through it:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4
 * (2002:AABB:CCDD::/16).
 */
export function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = g;
  const zeroHead = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroHead && (g5 === 0xffff || (g5 === 0 && (g6 !== 0 || g7 > 1)))) {
    return ipv4FromGroups(g6, g7);
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return ipv4FromGroups(g6, g7);
  }
  if (g0 === 0x2002) return ipv4FromGroups(g1 ?? 0, g2 ?? 0);
  return undefined;
}

/**
 * The class of address a callback may not be sent to, or undefined for a public address.
 * Takes an IP literal (v4 or v6); anything else is `reserved` (refused).
 */
export function forbiddenAddressClass(address: string): AddressClass | undefined {
  if (isIPv4(address)) return IPV4_LISTS.find(({ list }) => list.check(address, 'ipv4'))?.name;
  if (!isIPv6(address)) return 'reserved';
  const inner = embeddedIpv4(address);
  if (inner !== undefined) return forbiddenAddressClass(inner);
  return IPV6_LISTS.find(({ list }) => list.check(address, 'ipv6'))?.name;
}
