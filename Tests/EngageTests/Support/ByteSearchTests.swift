@testable import Engage
import Foundation
import Testing

@Suite("Byte search")
struct ByteSearchTests {
    @Test("finds exactly what Foundation's contains finds: at the start, the end, inside, across accents, never past the end")
    func matchesFoundation() {
        let texts = ["", "z", "zzENGAGELINKSECRETzz", "é zzENGAGELINKSECRETzz", "Bonjour zzENGAGELINKSECRETz", "zzENGAGELINKSECRETzzzz",
                     String(repeating: "<p>Voici votre devis, Renée.</p>", count: 50) + "zzENGAGELINKSECRETzz", "zzENGAGE🙂LINKSECRETzz"]
        let needles = ["zzENGAGELINKSECRETzz", "é", "Renée", "🙂", "zzz", "devis, R"]
        for text in texts {
            for needle in needles {
                #expect(text.containsBytes(of: needle) == text.contains(needle), "\(text.prefix(30)) / \(needle)")
            }
        }
        #expect("anything".containsBytes(of: ""))
    }
}
