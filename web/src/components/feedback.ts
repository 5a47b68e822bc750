/** A short tone for scan screens: high and short when accepted, low and long when refused. */
let audio: AudioContext | null = null
export function beep(kind: 'ok' | 'error') {
  try {
    audio ??= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.type = kind === 'ok' ? 'sine' : 'square'
    osc.frequency.value = kind === 'ok' ? 1046 : 196
    gain.gain.value = 0.06
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + (kind === 'ok' ? 0.08 : 0.4))
  } catch {
    // No audio device (or not allowed yet): the colour still tells.
  }
}
