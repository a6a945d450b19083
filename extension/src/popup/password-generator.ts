// Passwords and passphrases for the popup's entry form, from the browser's
// cryptographic generator (crypto.getRandomValues) only. Every choice is
// uniform: indices by rejection sampling (no modulo bias), and a password
// missing one of the chosen character classes is drawn again whole rather
// than patched (patching would favour some positions).

export type RandomFill = (buffer: Uint32Array<ArrayBuffer>) => void;

export const browserRandom: RandomFill = (buffer) => {
  crypto.getRandomValues(buffer);
};

/** A uniform integer in [0, n), n ≤ 2^32. */
export function randomBelow(n: number, random: RandomFill): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`randomBelow(${n})`);
  // The largest multiple of n that fits: values at or above it are drawn again.
  const limit = 2 ** 32 - (2 ** 32 % n);
  const buf = new Uint32Array(1);
  for (;;) {
    random(buf);
    const v = buf[0]!;
    buf[0] = 0;
    if (v < limit) return v % n;
  }
}

export const CLASSES = {
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  symbols: "!#$%&()*+,-./:;<=>?@[]^_{|}~",
} as const;

export type CharClass = keyof typeof CLASSES;

export interface PasswordOptions {
  length: number;
  classes: CharClass[];
}

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 128;

/** `length` characters from the chosen classes, each class at least once. */
export function generatePassword(options: PasswordOptions, random: RandomFill = browserRandom): string {
  const classes = [...new Set(options.classes)];
  if (classes.length === 0) throw new RangeError("no character class chosen");
  const length = Math.trunc(options.length);
  if (!(length >= Math.max(MIN_LENGTH, classes.length) && length <= MAX_LENGTH)) {
    throw new RangeError(`length must be ${MIN_LENGTH} to ${MAX_LENGTH}`);
  }
  const alphabet = classes.map((c) => CLASSES[c]).join("");
  for (;;) {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[randomBelow(alphabet.length, random)];
    if (classes.every((c) => [...CLASSES[c]].some((ch) => out.includes(ch)))) return out;
  }
}

export const MIN_WORDS = 4;
export const MAX_WORDS = 12;

/** `count` words of the list, joined by `-`. */
export function generatePassphrase(count: number, random: RandomFill = browserRandom, words: readonly string[] = WORDS): string {
  const n = Math.trunc(count);
  if (!(n >= MIN_WORDS && n <= MAX_WORDS)) throw new RangeError(`words must be ${MIN_WORDS} to ${MAX_WORDS}`);
  const picked: string[] = [];
  for (let i = 0; i < n; i++) picked.push(words[randomBelow(words.length, random)]!);
  return picked.join("-");
}

/** Bits of entropy: of a password over the classes (before the every-class rule), of a passphrase. */
export function passwordBits(options: PasswordOptions): number {
  const size = [...new Set(options.classes)].reduce((a, c) => a + CLASSES[c].length, 0);
  return size === 0 ? 0 : Math.floor(options.length * Math.log2(size));
}

export function passphraseBits(count: number, words: readonly string[] = WORDS): number {
  return Math.floor(count * Math.log2(words.length));
}

/** 740 common English words (lower case, distinct): log2(740) ≈ 9.5 bits a word. */
export const WORDS: readonly string[] = [
  "able acid aged also area army away baby back ball band bank base bath bean bear beat bell belt ",
  "bench berry bike bird black blade blank blast blend blind block bloom blue board boat body bold ",
  "bolt bone book boot boss bowl brain brave bread brick bride brief bring broad brook brown brush ",
  "buck build bulb bunch bush busy cabin cable cake calm camel camp candy cane canoe cape card cargo ",
  "carpet carry cart case cash castle cat cause cave cedar cello chain chair chalk charm chart chase ",
  "cheek cheese chef cherry chess chest chief child chin chip choir civic claim clam class clay clean ",
  "clerk cliff climb clock cloth cloud clover club coach coast coat cocoa code coin cold comet coral ",
  "cord corn couch count cover crab craft crane crash crate crest crew crisp crop crow crown crumb ",
  "cube cup curve cycle daily dance dawn deal debut decay deck deer delta denim depth desk dial diary ",
  "dime diner dish ditch diver dock dolphin dome donor door dough dove draft drama dream dress drift ",
  "drill drink drum dune dust eagle early earth easel echo edge eight elbow elder elk ember empty ",
  "enjoy entry equal essay event exact exit fable face fact fair faith fall fancy farm fault feast ",
  "fence ferry fever fiber field fifty film final finch fire firm fish five flag flame flash fleet ",
  "flint float flock flood floor flour flower fluid flute foam focus fog folk food force forest fork ",
  "form fort forum fossil found fox frame fresh frog front frost fruit fuel fun fungi gala game gap ",
  "garden gate gauge gear gecko gem giant gift ginger glad glass globe glove glow goat gold golf goose ",
  "grace grain grand grape grass gravel gray great green grid grill grin grove guard guest guide ",
  "guitar gulf habit hall hammer hand happy harbor hatch hawk hazel heart hedge helmet herb hero heron ",
  "hill hint hobby holly honey hood hook horn horse host hotel hour house humor husky hymn icon idea ",
  "igloo image inch index ink inlet iris iron island ivory ivy jacket jade jam jar jazz jelly jewel ",
  "job joint joke jolly judge juice jump jungle kayak kettle key kick kind king kite kiwi knee knife ",
  "knot koala label lace ladder lake lamp lane laser latch lava lawn layer leaf lemon lens level lever ",
  "light lilac lily limb lime linen lion liver lizard llama loaf lobby lock lodge logic lotus loud ",
  "lunar lunch lyric magic maple marble march market mask match meadow medal melon mercy merit metal ",
  "meter mint mirror mist model moon moose moss motel motor mouse mouth mud mule mural music nail name ",
  "navy neck nectar needle nest net night noble noise north note novel number nurse oak oasis ocean ",
  "olive onion open opera orbit orchid organ otter ounce oven owl oxygen oyster paddle page paint palm ",
  "panda panel paper parade park party pasta patch path peach pearl pedal pen pencil pepper piano ",
  "pickle pier pilot pine pink pipe pitch pixel pizza plain plane plant plate plaza plum poem poet ",
  "point polar pond pony pool poppy porch port pot pouch power press price prism prize proof pulse ",
  "pump pupil puppy purple quail quartz queen quest quick quiet quill quilt quote rabbit radar radio ",
  "raft rain ranch range rapid raven razor reach ready reef relay relic ribbon rice ridge ring river ",
  "road robin robot rock rocket roof room root rope rose rover royal ruby rug ruler rumor safe saga ",
  "sail salad salmon salt sand satin sauce scale scarf scene school scoop scout screen seal season ",
  "seed shade shadow shark sheep shelf shell shield shine ship shirt shoe shore silk silver siren ",
  "sketch skill sky slate sled slope smile smoke snack snail snow soap sock sofa solar song sonic soup ",
  "space spark spice spider spoon spring spruce square squid stable stage stair stamp star steam steel ",
  "stem stone storm story stove straw stream street sugar suit summer sun swamp swan sweet swift table ",
  "tail talent tank tape target tea teal tent thorn thread tiger tile timber toast token tomato tool ",
  "topaz torch tower toy track trail train tree trend tribe trick trout truck tulip tuna tunnel turtle ",
  "twig twin union unit urban valley vapor vault velvet verse vessel video villa vine violet violin ",
  "visit vivid voice volcano voyage wagon walnut walrus water wave wax wealth whale wheat wheel ",
  "whistle willow wind window wing winter wire wolf wonder wood wool world yacht yard yarn yeast ",
  "yellow yoga yolk zebra zero zinc zone ",
]
  .join("")
  .trim()
  .split(" ");
