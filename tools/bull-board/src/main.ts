import { runProcess } from '@looklook/service'
import { createBoard, loadBullBoardConf } from './server.ts'

await runProcess({
  load: loadBullBoardConf,
  build: (conf, log) => {
    const board = createBoard(conf, log)
    return [
      {
        name: 'http',
        start: async () => {
          const url = await board.listen()
          log.info({ url, queues: board.queueNames() }, 'bull-board listening')
        },
        stop: () => board.close(),
      },
    ]
  },
})
