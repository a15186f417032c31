use microvisor_config::MicrovisorConfig;

// Every field with a default of its own is a kind of its own: 257 of them is one too many.
#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Huge {
    #[config(default = 0)]
    f0: u16,
    #[config(default = 1)]
    f1: u16,
    #[config(default = 2)]
    f2: u16,
    #[config(default = 3)]
    f3: u16,
    #[config(default = 4)]
    f4: u16,
    #[config(default = 5)]
    f5: u16,
    #[config(default = 6)]
    f6: u16,
    #[config(default = 7)]
    f7: u16,
    #[config(default = 8)]
    f8: u16,
    #[config(default = 9)]
    f9: u16,
    #[config(default = 10)]
    f10: u16,
    #[config(default = 11)]
    f11: u16,
    #[config(default = 12)]
    f12: u16,
    #[config(default = 13)]
    f13: u16,
    #[config(default = 14)]
    f14: u16,
    #[config(default = 15)]
    f15: u16,
    #[config(default = 16)]
    f16: u16,
    #[config(default = 17)]
    f17: u16,
    #[config(default = 18)]
    f18: u16,
    #[config(default = 19)]
    f19: u16,
    #[config(default = 20)]
    f20: u16,
    #[config(default = 21)]
    f21: u16,
    #[config(default = 22)]
    f22: u16,
    #[config(default = 23)]
    f23: u16,
    #[config(default = 24)]
    f24: u16,
    #[config(default = 25)]
    f25: u16,
    #[config(default = 26)]
    f26: u16,
    #[config(default = 27)]
    f27: u16,
    #[config(default = 28)]
    f28: u16,
    #[config(default = 29)]
    f29: u16,
    #[config(default = 30)]
    f30: u16,
    #[config(default = 31)]
    f31: u16,
    #[config(default = 32)]
    f32: u16,
    #[config(default = 33)]
    f33: u16,
    #[config(default = 34)]
    f34: u16,
    #[config(default = 35)]
    f35: u16,
    #[config(default = 36)]
    f36: u16,
    #[config(default = 37)]
    f37: u16,
    #[config(default = 38)]
    f38: u16,
    #[config(default = 39)]
    f39: u16,
    #[config(default = 40)]
    f40: u16,
    #[config(default = 41)]
    f41: u16,
    #[config(default = 42)]
    f42: u16,
    #[config(default = 43)]
    f43: u16,
    #[config(default = 44)]
    f44: u16,
    #[config(default = 45)]
    f45: u16,
    #[config(default = 46)]
    f46: u16,
    #[config(default = 47)]
    f47: u16,
    #[config(default = 48)]
    f48: u16,
    #[config(default = 49)]
    f49: u16,
    #[config(default = 50)]
    f50: u16,
    #[config(default = 51)]
    f51: u16,
    #[config(default = 52)]
    f52: u16,
    #[config(default = 53)]
    f53: u16,
    #[config(default = 54)]
    f54: u16,
    #[config(default = 55)]
    f55: u16,
    #[config(default = 56)]
    f56: u16,
    #[config(default = 57)]
    f57: u16,
    #[config(default = 58)]
    f58: u16,
    #[config(default = 59)]
    f59: u16,
    #[config(default = 60)]
    f60: u16,
    #[config(default = 61)]
    f61: u16,
    #[config(default = 62)]
    f62: u16,
    #[config(default = 63)]
    f63: u16,
    #[config(default = 64)]
    f64: u16,
    #[config(default = 65)]
    f65: u16,
    #[config(default = 66)]
    f66: u16,
    #[config(default = 67)]
    f67: u16,
    #[config(default = 68)]
    f68: u16,
    #[config(default = 69)]
    f69: u16,
    #[config(default = 70)]
    f70: u16,
    #[config(default = 71)]
    f71: u16,
    #[config(default = 72)]
    f72: u16,
    #[config(default = 73)]
    f73: u16,
    #[config(default = 74)]
    f74: u16,
    #[config(default = 75)]
    f75: u16,
    #[config(default = 76)]
    f76: u16,
    #[config(default = 77)]
    f77: u16,
    #[config(default = 78)]
    f78: u16,
    #[config(default = 79)]
    f79: u16,
    #[config(default = 80)]
    f80: u16,
    #[config(default = 81)]
    f81: u16,
    #[config(default = 82)]
    f82: u16,
    #[config(default = 83)]
    f83: u16,
    #[config(default = 84)]
    f84: u16,
    #[config(default = 85)]
    f85: u16,
    #[config(default = 86)]
    f86: u16,
    #[config(default = 87)]
    f87: u16,
    #[config(default = 88)]
    f88: u16,
    #[config(default = 89)]
    f89: u16,
    #[config(default = 90)]
    f90: u16,
    #[config(default = 91)]
    f91: u16,
    #[config(default = 92)]
    f92: u16,
    #[config(default = 93)]
    f93: u16,
    #[config(default = 94)]
    f94: u16,
    #[config(default = 95)]
    f95: u16,
    #[config(default = 96)]
    f96: u16,
    #[config(default = 97)]
    f97: u16,
    #[config(default = 98)]
    f98: u16,
    #[config(default = 99)]
    f99: u16,
    #[config(default = 100)]
    f100: u16,
    #[config(default = 101)]
    f101: u16,
    #[config(default = 102)]
    f102: u16,
    #[config(default = 103)]
    f103: u16,
    #[config(default = 104)]
    f104: u16,
    #[config(default = 105)]
    f105: u16,
    #[config(default = 106)]
    f106: u16,
    #[config(default = 107)]
    f107: u16,
    #[config(default = 108)]
    f108: u16,
    #[config(default = 109)]
    f109: u16,
    #[config(default = 110)]
    f110: u16,
    #[config(default = 111)]
    f111: u16,
    #[config(default = 112)]
    f112: u16,
    #[config(default = 113)]
    f113: u16,
    #[config(default = 114)]
    f114: u16,
    #[config(default = 115)]
    f115: u16,
    #[config(default = 116)]
    f116: u16,
    #[config(default = 117)]
    f117: u16,
    #[config(default = 118)]
    f118: u16,
    #[config(default = 119)]
    f119: u16,
    #[config(default = 120)]
    f120: u16,
    #[config(default = 121)]
    f121: u16,
    #[config(default = 122)]
    f122: u16,
    #[config(default = 123)]
    f123: u16,
    #[config(default = 124)]
    f124: u16,
    #[config(default = 125)]
    f125: u16,
    #[config(default = 126)]
    f126: u16,
    #[config(default = 127)]
    f127: u16,
    #[config(default = 128)]
    f128: u16,
    #[config(default = 129)]
    f129: u16,
    #[config(default = 130)]
    f130: u16,
    #[config(default = 131)]
    f131: u16,
    #[config(default = 132)]
    f132: u16,
    #[config(default = 133)]
    f133: u16,
    #[config(default = 134)]
    f134: u16,
    #[config(default = 135)]
    f135: u16,
    #[config(default = 136)]
    f136: u16,
    #[config(default = 137)]
    f137: u16,
    #[config(default = 138)]
    f138: u16,
    #[config(default = 139)]
    f139: u16,
    #[config(default = 140)]
    f140: u16,
    #[config(default = 141)]
    f141: u16,
    #[config(default = 142)]
    f142: u16,
    #[config(default = 143)]
    f143: u16,
    #[config(default = 144)]
    f144: u16,
    #[config(default = 145)]
    f145: u16,
    #[config(default = 146)]
    f146: u16,
    #[config(default = 147)]
    f147: u16,
    #[config(default = 148)]
    f148: u16,
    #[config(default = 149)]
    f149: u16,
    #[config(default = 150)]
    f150: u16,
    #[config(default = 151)]
    f151: u16,
    #[config(default = 152)]
    f152: u16,
    #[config(default = 153)]
    f153: u16,
    #[config(default = 154)]
    f154: u16,
    #[config(default = 155)]
    f155: u16,
    #[config(default = 156)]
    f156: u16,
    #[config(default = 157)]
    f157: u16,
    #[config(default = 158)]
    f158: u16,
    #[config(default = 159)]
    f159: u16,
    #[config(default = 160)]
    f160: u16,
    #[config(default = 161)]
    f161: u16,
    #[config(default = 162)]
    f162: u16,
    #[config(default = 163)]
    f163: u16,
    #[config(default = 164)]
    f164: u16,
    #[config(default = 165)]
    f165: u16,
    #[config(default = 166)]
    f166: u16,
    #[config(default = 167)]
    f167: u16,
    #[config(default = 168)]
    f168: u16,
    #[config(default = 169)]
    f169: u16,
    #[config(default = 170)]
    f170: u16,
    #[config(default = 171)]
    f171: u16,
    #[config(default = 172)]
    f172: u16,
    #[config(default = 173)]
    f173: u16,
    #[config(default = 174)]
    f174: u16,
    #[config(default = 175)]
    f175: u16,
    #[config(default = 176)]
    f176: u16,
    #[config(default = 177)]
    f177: u16,
    #[config(default = 178)]
    f178: u16,
    #[config(default = 179)]
    f179: u16,
    #[config(default = 180)]
    f180: u16,
    #[config(default = 181)]
    f181: u16,
    #[config(default = 182)]
    f182: u16,
    #[config(default = 183)]
    f183: u16,
    #[config(default = 184)]
    f184: u16,
    #[config(default = 185)]
    f185: u16,
    #[config(default = 186)]
    f186: u16,
    #[config(default = 187)]
    f187: u16,
    #[config(default = 188)]
    f188: u16,
    #[config(default = 189)]
    f189: u16,
    #[config(default = 190)]
    f190: u16,
    #[config(default = 191)]
    f191: u16,
    #[config(default = 192)]
    f192: u16,
    #[config(default = 193)]
    f193: u16,
    #[config(default = 194)]
    f194: u16,
    #[config(default = 195)]
    f195: u16,
    #[config(default = 196)]
    f196: u16,
    #[config(default = 197)]
    f197: u16,
    #[config(default = 198)]
    f198: u16,
    #[config(default = 199)]
    f199: u16,
    #[config(default = 200)]
    f200: u16,
    #[config(default = 201)]
    f201: u16,
    #[config(default = 202)]
    f202: u16,
    #[config(default = 203)]
    f203: u16,
    #[config(default = 204)]
    f204: u16,
    #[config(default = 205)]
    f205: u16,
    #[config(default = 206)]
    f206: u16,
    #[config(default = 207)]
    f207: u16,
    #[config(default = 208)]
    f208: u16,
    #[config(default = 209)]
    f209: u16,
    #[config(default = 210)]
    f210: u16,
    #[config(default = 211)]
    f211: u16,
    #[config(default = 212)]
    f212: u16,
    #[config(default = 213)]
    f213: u16,
    #[config(default = 214)]
    f214: u16,
    #[config(default = 215)]
    f215: u16,
    #[config(default = 216)]
    f216: u16,
    #[config(default = 217)]
    f217: u16,
    #[config(default = 218)]
    f218: u16,
    #[config(default = 219)]
    f219: u16,
    #[config(default = 220)]
    f220: u16,
    #[config(default = 221)]
    f221: u16,
    #[config(default = 222)]
    f222: u16,
    #[config(default = 223)]
    f223: u16,
    #[config(default = 224)]
    f224: u16,
    #[config(default = 225)]
    f225: u16,
    #[config(default = 226)]
    f226: u16,
    #[config(default = 227)]
    f227: u16,
    #[config(default = 228)]
    f228: u16,
    #[config(default = 229)]
    f229: u16,
    #[config(default = 230)]
    f230: u16,
    #[config(default = 231)]
    f231: u16,
    #[config(default = 232)]
    f232: u16,
    #[config(default = 233)]
    f233: u16,
    #[config(default = 234)]
    f234: u16,
    #[config(default = 235)]
    f235: u16,
    #[config(default = 236)]
    f236: u16,
    #[config(default = 237)]
    f237: u16,
    #[config(default = 238)]
    f238: u16,
    #[config(default = 239)]
    f239: u16,
    #[config(default = 240)]
    f240: u16,
    #[config(default = 241)]
    f241: u16,
    #[config(default = 242)]
    f242: u16,
    #[config(default = 243)]
    f243: u16,
    #[config(default = 244)]
    f244: u16,
    #[config(default = 245)]
    f245: u16,
    #[config(default = 246)]
    f246: u16,
    #[config(default = 247)]
    f247: u16,
    #[config(default = 248)]
    f248: u16,
    #[config(default = 249)]
    f249: u16,
    #[config(default = 250)]
    f250: u16,
    #[config(default = 251)]
    f251: u16,
    #[config(default = 252)]
    f252: u16,
    #[config(default = 253)]
    f253: u16,
    #[config(default = 254)]
    f254: u16,
    #[config(default = 255)]
    f255: u16,
    #[config(default = 256)]
    f256: u16,
}

fn main() {}
